#include "sshkeys/sshkeys_module.h"

#include <Poco/JSON/Array.h>

#include "http/validation.h"

namespace gpucloud::sshkeys
{

namespace
{

constexpr std::size_t kMaxKeyLength = 16000;
constexpr std::size_t kMaxLabelLength = 100;
const char* kDefaultLabel = "Default SSH Key";

Poco::JSON::Object::Ptr toJson(const SshKeyRecord& key)
{
	Poco::JSON::Object::Ptr object = http::orderedObject();
	object->set("id", key.id);
	object->set("label", key.label);
	object->set("key_type", key.keyType);
	object->set("fingerprint", key.fingerprint);
	object->set("created_at", db::isoTime(key.createdAt));
	return object;
}

http::ApiError keyNotFound(const std::string& id)
{
	return http::notFound("SSH key '" + id + "' not found");
}

} // namespace

std::shared_ptr<SshKeyStore> installSshKeyRoutes(app::ServerContext& context)
{
	auto store = std::make_shared<SshKeyStore>(context.database);
	http::RouteOptions read{auth::Permission::Read, ratelimit::RateClass::Read};
	http::RouteOptions write{auth::Permission::Write, ratelimit::RateClass::Vm};

	context.router.add("POST", "/ssh-keys", [store](http::Request& request) {
		http::JsonFields fields(request.jsonBody());
		auto publicKey = fields.string("ssh_public_key", true, kMaxKeyLength, 1);
		auto label = fields.string("label", false, kMaxLabelLength);
		fields.check();
		SshKeyRecord key = store->add(request.caller().userId, *publicKey,
			label && !label->empty() ? *label : kDefaultLabel);
		return http::Response::json(toJson(key), 201);
	}, write);

	context.router.add("GET", "/ssh-keys", [store](http::Request& request) {
		Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
		for (const SshKeyRecord& key : store->list(request.caller().userId))
			array->add(toJson(key));
		return http::Response::json(array);
	}, read);

	context.router.add("GET", "/ssh-keys/{id}", [store](http::Request& request) {
		const std::string& id = request.pathParameter("id");
		auto key = store->find(request.caller().userId, id);
		if (!key)
			throw keyNotFound(id);
		return http::Response::json(toJson(*key));
	}, read);

	context.router.add("DELETE", "/ssh-keys/{id}", [store](http::Request& request) {
		const std::string& id = request.pathParameter("id");
		if (!store->remove(request.caller().userId, id))
			throw keyNotFound(id);
		return http::Response::noContent();
	}, write);

	return store;
}

} // namespace gpucloud::sshkeys
