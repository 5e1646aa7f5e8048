#pragma once

#include <Poco/Dynamic/Var.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gpucloud::http
{

/// Appends the compact JSON text of `value` to `out`: a Poco JSON object (in its key order), array or scalar.
///
/// The text is the one Poco::JSON::Stringifier writes inside an object, but it goes straight into a string instead
/// of through an output stream, which is several times cheaper. One difference is deliberate: a NaN or an infinite
/// number becomes `null`, because Poco writes `nan`, which is not JSON. Types other than objects, arrays, strings,
/// numbers, booleans and empty values go through Poco's Stringifier.
void appendJson(const Poco::Dynamic::Var& value, std::string& out);

/// A writer of compact JSON text straight into a string, for responses where building a Poco::JSON::Object first
/// would cost more than the rest of the request. Strings and numbers come out as appendJson() writes them. The writer
/// adds the commas, and the caller pairs each begin with its end and each key with a value.
class JsonWriter
{
public:
	JsonWriter& beginObject();
	JsonWriter& endObject();
	JsonWriter& beginArray();
	JsonWriter& endArray();
	JsonWriter& key(std::string_view name);

	JsonWriter& value(std::string_view text);
	JsonWriter& value(const char* text) { return value(std::string_view(text)); }
	JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
	JsonWriter& value(std::int64_t number);
	JsonWriter& value(int number) { return value(static_cast<std::int64_t>(number)); }
	JsonWriter& value(double number);
	JsonWriter& value(bool flag);
	JsonWriter& null();

	/// Writes the value or null.
	template <class T>
	JsonWriter& value(const std::optional<T>& maybe)
	{
		return maybe ? value(*maybe) : null();
	}

	/// Writes an already serialized JSON value as it is.
	JsonWriter& raw(std::string_view json);

	/// The text written so far.
	const std::string& text() const { return _out; }
	std::string take() { return std::move(_out); }

private:
	void separate();

	std::string _out;
	bool _afterValue = false;
};

} // namespace gpucloud::http
