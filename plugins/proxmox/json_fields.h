#pragma once

#include <cstdint>
#include <string>

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

namespace gpucloud::plugins::proxmox
{

// Lenient readers for Proxmox JSON: the server is written in Perl, so numbers may arrive as strings ("104") and
// optional keys are missing more often than they are null.

Poco::JSON::Object::Ptr asObject(const Poco::Dynamic::Var& value);
Poco::JSON::Array::Ptr asArray(const Poco::Dynamic::Var& value);

std::string stringField(const Poco::JSON::Object::Ptr& object, const std::string& key, const std::string& fallback = "");
std::int64_t intField(const Poco::JSON::Object::Ptr& object, const std::string& key, std::int64_t fallback = 0);
double doubleField(const Poco::JSON::Object::Ptr& object, const std::string& key, double fallback = 0);

/// Reads a number that may be a JSON number or a string of digits; returns `fallback` otherwise.
std::int64_t lenientInt(const Poco::Dynamic::Var& value, std::int64_t fallback = 0);

} // namespace gpucloud::plugins::proxmox
