#pragma once

#include <string>

namespace gpucloud::plugins::libvirt
{

/// Returns the per-VM token that authenticates a guest's cloud-init requests to the server: the lower-case hex
/// HMAC-SHA256 of `vmId` keyed with `secret`. The server computes the same value to check a request.
std::string cloudInitToken(const std::string& secret, const std::string& vmId);

/// Returns the SMBIOS system serial that points cloud-init's NoCloud data source at the server:
/// "ds=nocloud;s=<baseUrl><vmId>/<token>/". cloud-init reads meta-data, user-data and vendor-data below that URL
/// at first boot. `baseUrl` ends with '/'.
std::string noCloudSerial(const std::string& baseUrl, const std::string& secret, const std::string& vmId);

} // namespace gpucloud::plugins::libvirt
