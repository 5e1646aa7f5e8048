#include "auth/backup_codes.h"

#include <cctype>

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include "auth/totp.h"
#include "util/random.h"

namespace gpucloud::providers::auth::backup_codes
{

namespace
{

std::string normalise(const std::string& code)
{
	std::string text;
	for (char c : code)
	{
		if (c != '-' && c != ' ')
			text.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
	}
	return text;
}

} // namespace

std::vector<std::string> generate()
{
	std::vector<std::string> codes;
	for (std::size_t i = 0; i < kCount; ++i)
	{
		std::string bytes(10, '\0');
		util::randomBytes(bytes.data(), bytes.size());
		std::string text = normalise(totp::encodeBase32(bytes));
		codes.push_back(text.substr(0, 4) + "-" + text.substr(4, 4) + "-" + text.substr(8, 4) + "-" + text.substr(12, 4));
	}
	return codes;
}

std::string hash(const std::string& code)
{
	Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
	engine.update(normalise(code));
	return Poco::DigestEngine::digestToHex(engine.digest());
}

bool looksLikeBackupCode(const std::string& text)
{
	std::string normalised = normalise(text);
	if (normalised.size() != 16)
		return false;
	for (char c : normalised)
	{
		if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7')))
			return false;
	}
	return true;
}

} // namespace gpucloud::providers::auth::backup_codes
