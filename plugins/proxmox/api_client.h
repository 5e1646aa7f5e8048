#pragma once

#include <memory>
#include <string>

#include <Poco/Dynamic/Var.h>

#include "gpucloud/sdk/host_services.h"
#include "proxmox_settings.h"
#include "request_builder.h"
#include "tls_policy.h"

namespace gpucloud::plugins::proxmox
{

/// HTTPS client of the Proxmox VE API (`/api2/json`) with API-token authentication.
///
/// Every call opens its own connection: pveproxy closes idle connections after about 5 s and every response with a
/// status of 400 or more, so pooling gains little. Returns the `data` member of the response envelope and throws
/// ApiError for anything else. A GET that loses its connection before any byte of the response arrived is sent once
/// more. Writes are never resent here, because the caller must re-read the state first. Thread-safe.
class ApiClient
{
public:
	ApiClient(const ProxmoxSettings& settings, sdk::HostServices* host);

	Poco::Dynamic::Var get(const std::string& path, const FormParams& query = {});
	Poco::Dynamic::Var post(const std::string& path, const FormParams& body = {});
	Poco::Dynamic::Var put(const std::string& path, const FormParams& body = {});

	/// Sends DELETE with its parameters in the query string; the server rejects a DELETE with a body.
	Poco::Dynamic::Var del(const std::string& path, const FormParams& query = {});

private:
	Poco::Dynamic::Var execute(const std::string& method, const std::string& path, const FormParams& query,
		const FormParams& body);
	Poco::Dynamic::Var executeOnce(const std::string& method, const std::string& path, const std::string& target,
		const FormParams& body);

	const ProxmoxSettings& _settings;
	sdk::HostServices* _host;
	std::unique_ptr<TlsPolicy> _tls;
	std::string _authorization;
};

} // namespace gpucloud::plugins::proxmox
