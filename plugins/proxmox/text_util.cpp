#include "text_util.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>

namespace gpucloud::plugins::proxmox
{

std::string trim(const std::string& text)
{
	std::size_t begin = 0;
	std::size_t end = text.size();
	while (begin < end && std::isspace(static_cast<unsigned char>(text[begin])))
		++begin;
	while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1])))
		--end;
	return text.substr(begin, end - begin);
}

std::string toLower(std::string text)
{
	std::transform(text.begin(), text.end(), text.begin(),
		[](unsigned char c) { return static_cast<char>(std::tolower(c)); });
	return text;
}

bool startsWith(const std::string& text, const std::string& prefix)
{
	return text.compare(0, prefix.size(), prefix) == 0;
}

bool endsWith(const std::string& text, const std::string& suffix)
{
	return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool contains(const std::string& text, const std::string& part)
{
	return text.find(part) != std::string::npos;
}

std::vector<std::string> splitList(const std::string& text, char separator)
{
	std::vector<std::string> items;
	std::size_t start = 0;
	while (start <= text.size())
	{
		std::size_t end = text.find(separator, start);
		if (end == std::string::npos)
			end = text.size();
		std::string item = trim(text.substr(start, end - start));
		if (!item.empty())
			items.push_back(item);
		start = end + 1;
	}
	return items;
}

bool parseInteger(const std::string& text, long long& value)
{
	std::string trimmed = trim(text);
	if (trimmed.empty())
		return false;
	errno = 0;
	char* end = nullptr;
	long long parsed = std::strtoll(trimmed.c_str(), &end, 10);
	if (errno != 0 || end == nullptr || *end != '\0')
		return false;
	value = parsed;
	return true;
}

} // namespace gpucloud::plugins::proxmox
