// gpucloud-bench-load: a small HTTP load generator for the requests that wrk cannot script well. It creates VMs
// with a fresh Idempotency-Key per request and writes out the ids of the created VMs, destroys a list of VMs, and
// logs in to seeded accounts in turn. It prints one JSON line (see LoadReport::toJson) and connects to 127.0.0.1
// only.
//
//   gpucloud-bench-load --port N --mode create --api-key KEY --body-file FILE [--nodes A,B,...] [--ids-out FILE]
//       (request i replaces {{node}} in the body with node i modulo the count of --nodes)
//       (--api-keys-in FILE instead of --api-key: request i uses the i-th key of the file, modulo its length)
//   gpucloud-bench-load --port N --mode destroy --api-key KEY --ids-in FILE
//   gpucloud-bench-load --port N --mode login --emails-in FILE --password PASSWORD
//   gpucloud-bench-load --port N --mode get --path PATH [--api-key KEY]
// Common options: --requests N (default 1000; destroy: the number of ids), --connections N (16), --rate R
// (requests per second over all connections; 0 = as fast as possible), --max-seconds N (120),
// --expect-status N (create 201, destroy 202, login and get 200).

#include <fstream>
#include <iostream>
#include <mutex>

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "command_line.h"
#include "config/config_section.h"
#include "load_generator.h"
#include "util/random.h"

namespace
{

using gpucloud::bench::LoadRequest;

std::vector<std::string> readLines(const std::string& path)
{
	std::ifstream in(path);
	if (!in)
		throw std::runtime_error("Reading '" + path + "' failed");
	std::vector<std::string> lines;
	std::string line;
	while (std::getline(in, line))
	{
		if (!line.empty())
			lines.push_back(line);
	}
	return lines;
}

std::string readFile(const std::string& path)
{
	std::ifstream in(path);
	if (!in)
		throw std::runtime_error("Reading '" + path + "' failed");
	return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string jsonString(const std::string& text)
{
	std::ostringstream out;
	Poco::JSON::Stringifier::stringify(Poco::Dynamic::Var(text), out);
	return out.str();
}

std::string idOf(const std::string& body)
{
	try
	{
		Poco::JSON::Object::Ptr object = Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
		return object->optValue<std::string>("id", "");
	}
	catch (const Poco::Exception&)
	{
		return {};
	}
}

int run(int argc, char** argv)
{
	using namespace gpucloud::bench;
	CommandLine options(argc, argv);
	LoadSettings settings;
	settings.port = static_cast<std::uint16_t>(options.getInt("port", 0, 1, 65535));
	if (settings.port == 0)
		throw std::invalid_argument("Option --port is required");
	std::string mode = options.requireString("mode");
	settings.connections = static_cast<int>(options.getInt("connections", settings.connections, 1, 4096));
	settings.requests = options.getInt("requests", settings.requests, 1, 100000000);
	settings.rate = static_cast<double>(options.getInt("rate", 0, 0, 10000000));
	settings.maxDuration = std::chrono::seconds(options.getInt("max-seconds", settings.maxDuration.count(), 1, 3600));
	std::string apiKey = options.getString("api-key", "");
	std::vector<std::pair<std::string, std::string>> authorization;
	if (!apiKey.empty())
		authorization.emplace_back("Authorization", "Bearer " + apiKey);
	// With --api-keys-in, request i of a create run uses key i modulo the count, so the VMs spread over users.
	std::string apiKeysIn = options.getString("api-keys-in", "");
	std::vector<std::string> apiKeys = apiKeysIn.empty() ? std::vector<std::string>() : readLines(apiKeysIn);

	LoadGenerator::RequestFactory factory;
	LoadGenerator::ResponseHandler handler;
	std::vector<std::string> createdIds;
	std::mutex createdMutex;
	std::string idsOut;
	int defaultStatus = 200;

	if (mode == "create")
	{
		defaultStatus = 201;
		std::string body = readFile(options.requireString("body-file"));
		std::vector<std::string> nodes = gpucloud::config::splitList(options.getString("nodes", ""));
		idsOut = options.getString("ids-out", "");
		createdIds.resize(static_cast<std::size_t>(settings.requests));
		factory = [body, nodes, authorization, apiKeys](std::int64_t index) {
			std::string text = body;
			std::size_t placeholder = text.find("{{node}}");
			if (placeholder != std::string::npos && !nodes.empty())
				text.replace(placeholder, 8, nodes[static_cast<std::size_t>(index) % nodes.size()]);
			LoadRequest request{"POST", "/vms", authorization, text};
			if (!apiKeys.empty())
				request.headers = {{"Authorization", "Bearer " + apiKeys[static_cast<std::size_t>(index) % apiKeys.size()]}};
			request.headers.emplace_back("Idempotency-Key", gpucloud::util::uuid4());
			return request;
		};
		handler = [&createdIds, &createdMutex](std::int64_t index, int status, const std::string& responseBody) {
			if (status != 201)
				return;
			std::string id = idOf(responseBody);
			std::lock_guard<std::mutex> lock(createdMutex);
			createdIds[static_cast<std::size_t>(index)] = id;
		};
	}
	else if (mode == "destroy")
	{
		defaultStatus = 202;
		auto ids = std::make_shared<std::vector<std::string>>(readLines(options.requireString("ids-in")));
		settings.requests = std::min<std::int64_t>(settings.requests == 1000 ? static_cast<std::int64_t>(ids->size())
																			: settings.requests,
			static_cast<std::int64_t>(ids->size()));
		// A line is "<vm id>" or "<vm id> <api key of its owner>", as a create run writes them.
		factory = [ids, authorization](std::int64_t index) {
			const std::string& line = (*ids)[static_cast<std::size_t>(index)];
			std::size_t space = line.find(' ');
			if (space == std::string::npos)
				return LoadRequest{"DELETE", "/vms/" + line, authorization, ""};
			return LoadRequest{"DELETE", "/vms/" + line.substr(0, space),
				{{"Authorization", "Bearer " + line.substr(space + 1)}}, ""};
		};
	}
	else if (mode == "login")
	{
		auto emails = std::make_shared<std::vector<std::string>>(readLines(options.requireString("emails-in")));
		std::string password = options.requireString("password");
		if (emails->empty())
			throw std::invalid_argument("The e-mail file is empty");
		factory = [emails, password](std::int64_t index) {
			const std::string& email = (*emails)[static_cast<std::size_t>(index) % emails->size()];
			return LoadRequest{"POST", "/auth/login", {},
				"{\"email\": " + jsonString(email) + ", \"password\": " + jsonString(password) + "}"};
		};
	}
	else if (mode == "get")
	{
		std::string path = options.requireString("path");
		factory = [path, authorization](std::int64_t) { return LoadRequest{"GET", path, authorization, ""}; };
	}
	else
	{
		throw std::invalid_argument("Option --mode must be create, destroy, login or get, not '" + mode + "'");
	}
	settings.expectedStatus = static_cast<int>(options.getInt("expect-status", defaultStatus, 100, 599));
	options.finish();

	LoadReport report = LoadGenerator(settings, factory, handler).run();
	if (!idsOut.empty())
	{
		std::ofstream out(idsOut);
		for (std::size_t index = 0; index < createdIds.size(); ++index)
		{
			if (createdIds[index].empty())
				continue;
			out << createdIds[index];
			if (!apiKeys.empty())
				out << ' ' << apiKeys[index % apiKeys.size()];
			out << '\n';
		}
	}
	std::cout << report.toJson() << std::endl;
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
		std::cerr << "gpucloud-bench-load: " << error.displayText() << std::endl;
	}
	catch (const std::exception& error)
	{
		std::cerr << "gpucloud-bench-load: " << error.what() << std::endl;
	}
	return 1;
}
