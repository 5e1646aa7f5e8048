// gpucloud-bench-seed: writes benchmark scale data into a SQLite database with the server's schema (migrating it
// first), then prints what it wrote. The server started afterwards on the same file finds the data.
//
//   gpucloud-bench-seed --database FILE [--users N] [--vms-per-user N] [--vm-status running|stopped|mixed]
//       [--api-key-users N] [--api-keys-out FILE] [--emails-out FILE] [--nodes vm01,vm02] [--api-key-prefix P]
//       [--argon2-ops N] [--argon2-memory-kib N]
//
// Every seeded user has the password printed by the tool, a balance of 1,000,000 USD and room for 1,000,000 VMs.

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <Poco/Exception.h>

#include "command_line.h"
#include "config/config_section.h"
#include "db/migrator.h"
#include "scale_seeder.h"

namespace
{

void writeLines(const std::string& path, const std::vector<std::string>& lines)
{
	if (path.empty())
		return;
	std::ofstream out(path);
	for (const std::string& line : lines)
		out << line << '\n';
	if (!out)
		throw std::runtime_error("Writing '" + path + "' failed");
}

int run(int argc, char** argv)
{
	using namespace gpucloud;
	bench::CommandLine options(argc, argv);
	config::DatabaseSettings databaseSettings;
	databaseSettings.path = std::filesystem::absolute(options.requireString("database")).string();
	bench::ScaleSpec spec;
	spec.users = static_cast<int>(options.getInt("users", spec.users, 1, 10000000));
	spec.vmsPerUser = static_cast<int>(options.getInt("vms-per-user", spec.vmsPerUser, 0, 10000000));
	spec.vmStatus = options.getString("vm-status", spec.vmStatus);
	spec.apiKeyUsers = static_cast<int>(options.getInt("api-key-users", spec.apiKeyUsers, 0, 10000000));
	spec.apiKeyPrefix = options.getString("api-key-prefix", spec.apiKeyPrefix);
	spec.argon2Ops = static_cast<std::uint64_t>(options.getInt("argon2-ops", 2, 1, 20));
	spec.argon2MemoryKib = static_cast<std::uint64_t>(options.getInt("argon2-memory-kib", 64 * 1024, 8, 4 * 1024 * 1024));
	std::string nodes = options.getString("nodes", "");
	if (!nodes.empty())
		spec.nodes = config::splitList(nodes);
	std::string apiKeysOut = options.getString("api-keys-out", "");
	std::string emailsOut = options.getString("emails-out", "");
	options.finish();

	std::filesystem::create_directories(std::filesystem::path(databaseSettings.path).parent_path());
	db::Database database(databaseSettings, ".");
	db::Migrator(database).migrate();

	auto started = std::chrono::steady_clock::now();
	bench::SeedResult result = bench::ScaleSeeder(database).seed(spec);
	auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
	database.close();

	writeLines(apiKeysOut, result.apiKeys);
	writeLines(emailsOut, result.emails);
	std::cout << "users " << result.userIds.size() << "\nfirst_user_id " << result.userIds.front() << "\nvms "
			  << result.vms << "\nbillable_vms " << result.billableVms << "\napi_keys " << result.apiKeys.size()
			  << "\npassword " << bench::ScaleSeeder::kPassword << "\nseconds " << seconds << std::endl;
	return 0;
}

} // namespace

int main(int argc, char** argv)
{
	try
	{
		return run(argc, argv);
	}
	catch (const Poco::Exception& error)
	{
		std::cerr << "gpucloud-bench-seed: " << error.displayText() << std::endl;
	}
	catch (const std::exception& error)
	{
		std::cerr << "gpucloud-bench-seed: " << error.what() << std::endl;
	}
	return 1;
}
