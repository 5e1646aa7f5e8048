#include "app/server_context.h"

namespace gpucloud::app
{

ServerContext::ServerContext(const Poco::Util::AbstractConfiguration& configuration, db::Database& database,
	plugin::BackendRegistry& backends, http::Router& router)
	: configuration(configuration), database(database), backends(backends), router(router)
{
}

config::ConfigSection& ServerContext::section(const std::string& name)
{
	for (const auto& existing : sections)
	{
		if (existing->name() == name)
			return *existing;
	}
	sections.push_back(std::make_unique<config::ConfigSection>(configuration, name));
	return *sections.back();
}

} // namespace gpucloud::app
