#pragma once

#include <map>
#include <string>
#include <vector>

namespace gpucloud::testing::proxmox
{

/// Request parameters; a key sent more than once keeps every value, as pve-http-server turns it into an array.
using ParamMap = std::map<std::string, std::vector<std::string>>;

/// Decodes "%XX" and '+' (as a space), as form decoding does. Malformed escapes are kept literally.
std::string percentDecode(const std::string& text);

/// Decodes "%XX" only, like Perl's URI::Escape::uri_unescape: a '+' stays a '+' (tickets are base64).
std::string uriUnescape(const std::string& text);

/// Decodes a query string or form body the way pve-http-server's decode_urlencoded does: pairs split on '&' and
/// ';', key and value split on '=' with only the first two fields kept, so an unencoded "a=b=c" arrives as "b".
ParamMap decodeUrlencoded(const std::string& text);

/// Decodes a JSON object body: strings as they are, numbers as decimal text, booleans as "1"/"0".
/// Throws FakeError(400) when the body is not a JSON object.
ParamMap decodeJsonBody(const std::string& body);

/// Merges `query` into `body`; query parameters win, as in pve-http-server's extract_params.
void mergeQuery(ParamMap& body, const ParamMap& query);

} // namespace gpucloud::testing::proxmox
