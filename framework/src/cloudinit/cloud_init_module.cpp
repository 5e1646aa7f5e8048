#include "cloudinit/cloud_init_module.h"

#include <Poco/Logger.h>

#include "cloudinit/user_data.h"
#include "db/database.h"
#include "http/api_error.h"

using namespace Poco::Data::Keywords;

namespace gpucloud::cloudinit
{

namespace
{

class SqlSeedStore : public SeedStore
{
public:
	void save(Poco::Data::Session& session, const SeedInput& seed) override
	{
		std::string vmId = seed.vmId;
		std::string hostname = seed.hostname;
		std::string userData = buildUserData(seed);
		Poco::Int64 createdAt = db::unixNow();
		session << "INSERT INTO cloud_init_seeds (vm_id, hostname, user_data, created_at) VALUES ($1, $2, $3, $4) "
				   "ON CONFLICT (vm_id) DO UPDATE SET hostname = excluded.hostname, user_data = excluded.user_data",
			use(vmId), use(hostname), use(userData), use(createdAt), now;
	}
};

bool equalInConstantTime(const std::string& left, const std::string& right)
{
	if (left.size() != right.size())
		return false;
	unsigned char difference = 0;
	for (std::size_t i = 0; i < left.size(); ++i)
		difference = static_cast<unsigned char>(difference | (left[i] ^ right[i]));
	return difference == 0;
}

struct Seed
{
	std::string hostname;
	std::string userData;
};

/// Returns the seed of the VM named in the path after checking the token. A bad token and a missing seed both
/// raise 404, so that a guess reveals nothing.
Seed loadSeed(db::Database& database, const std::string& secret, http::Request& request)
{
	std::string vmId = request.pathParameter("vm_id");
	const std::string& token = request.pathParameter("token");
	if (secret.empty() || !equalInConstantTime(token, seedToken(secret, vmId)))
		throw http::notFound("Not Found");

	Seed seed;
	Poco::Data::Session session = database.session();
	Poco::Data::Statement select(session);
	select << "SELECT hostname, user_data FROM cloud_init_seeds WHERE vm_id = $1", use(vmId), into(seed.hostname),
		into(seed.userData);
	if (select.execute() == 0)
		throw http::notFound("Not Found");
	return seed;
}

http::Response yamlResponse(std::string body)
{
	http::Response response;
	response.contentType = "text/yaml; charset=utf-8";
	response.body = std::move(body);
	return response;
}

} // namespace

void installCloudInitModule(app::ServerContext& context)
{
	config::ConfigSection& section = context.section("cloud_init");
	std::string secret = section.getString("secret", "");
	if (!secret.empty() && secret.size() < 16)
		throw config::ConfigError("Configuration key 'cloud_init.secret' must be at least 16 characters long");

	context.cloudInit = std::make_shared<SqlSeedStore>();
	db::Database& database = context.database;
	http::RouteOptions options{auth::Permission::Public, ratelimit::RateClass::Read};

	context.router.add("GET", "/cloud-init/{vm_id}/{token}/meta-data", [&database, secret](http::Request& request) {
		Seed seed = loadSeed(database, secret, request);
		Poco::Logger::get("gpucloud.cloudinit").information("Guest of VM %s fetched its meta-data", request.pathParameter("vm_id"));
		return yamlResponse(buildMetaData(request.pathParameter("vm_id"), seed.hostname));
	}, options);
	context.router.add("GET", "/cloud-init/{vm_id}/{token}/user-data", [&database, secret](http::Request& request) {
		return yamlResponse(loadSeed(database, secret, request).userData);
	}, options);
	context.router.add("GET", "/cloud-init/{vm_id}/{token}/vendor-data", [&database, secret](http::Request& request) {
		loadSeed(database, secret, request);
		return yamlResponse("#cloud-config\n{}\n");
	}, options);
}

} // namespace gpucloud::cloudinit
