#include "auth/api_key_codec.h"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include "util/random.h"

namespace gpucloud::providers::auth
{

std::string generateApiKey(const std::string& prefix, std::size_t randomLength)
{
	return prefix + util::randomUrlSafe(randomLength);
}

std::string hashApiKey(const std::string& key)
{
	Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
	engine.update(key);
	return Poco::DigestEngine::digestToHex(engine.digest());
}

std::string displayPrefix(const std::string& key, const std::string& prefix)
{
	return key.substr(0, prefix.size() + 4);
}

bool looksLikeApiKey(const std::string& credential, const std::string& prefix)
{
	return credential.size() > prefix.size() && credential.compare(0, prefix.size(), prefix) == 0;
}

} // namespace gpucloud::providers::auth
