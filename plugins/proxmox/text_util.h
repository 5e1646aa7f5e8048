#pragma once

#include <string>
#include <vector>

namespace gpucloud::plugins::proxmox
{

std::string trim(const std::string& text);
std::string toLower(std::string text);
bool startsWith(const std::string& text, const std::string& prefix);
bool endsWith(const std::string& text, const std::string& suffix);
bool contains(const std::string& text, const std::string& part);

/// Splits at `separator`, trims every item and drops empty ones.
std::vector<std::string> splitList(const std::string& text, char separator);

/// Parses a whole string as a signed decimal integer.
bool parseInteger(const std::string& text, long long& value);

} // namespace gpucloud::plugins::proxmox
