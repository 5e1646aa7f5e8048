#include "http/json_writer.h"

#include <Poco/DateTime.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <cppunit/extensions/HelperMacros.h>

#include <limits>
#include <sstream>

using namespace gpucloud;

class JsonWriterTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(JsonWriterTest);
	CPPUNIT_TEST(writesWhatPocoWrites);
	CPPUNIT_TEST(keepsInsertionOrder);
	CPPUNIT_TEST(escapesControlCharacters);
	CPPUNIT_TEST(writesNonFiniteNumbersAsNull);
	CPPUNIT_TEST(roundTripsThroughTheParser);
	CPPUNIT_TEST(writerMatchesSerializedObject);
	CPPUNIT_TEST_SUITE_END();

public:
	void writesWhatPocoWrites()
	{
		Poco::JSON::Object::Ptr object = sample();
		CPPUNIT_ASSERT_EQUAL(poco(object), write(object));

		Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
		array->add(object);
		array->add(Poco::Dynamic::Var());
		array->add(std::string("last"));
		CPPUNIT_ASSERT_EQUAL(poco(array), write(array));
		CPPUNIT_ASSERT_EQUAL(poco(*object), write(*object));
	}

	void keepsInsertionOrder()
	{
		Poco::JSON::Object::Ptr object = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
		object->set("zeta", 1);
		object->set("alpha", 2);
		object->set("mid", 3);
		CPPUNIT_ASSERT_EQUAL(std::string(R"({"zeta":1,"alpha":2,"mid":3})"), write(object));

		Poco::JSON::Object::Ptr sorted = new Poco::JSON::Object;
		sorted->set("zeta", 1);
		sorted->set("alpha", 2);
		CPPUNIT_ASSERT_EQUAL(std::string(R"({"alpha":2,"zeta":1})"), write(sorted));
	}

	void escapesControlCharacters()
	{
		std::string text = "quote\" backslash\\ slash/ newline\n tab\t bell\x07 unit\x1f del\x7f utf8 \xc3\xa9";
		CPPUNIT_ASSERT_EQUAL(std::string(R"("quote\" backslash\\ slash/ newline\n tab\t bell\u0007 unit\u001F del)") +
								 "\x7f utf8 \xc3\xa9\"",
							 write(text));
		Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
		object->set("text", text);
		CPPUNIT_ASSERT_EQUAL(poco(object), write(object));
	}

	void writesNonFiniteNumbersAsNull()
	{
		Poco::JSON::Object::Ptr object = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
		object->set("nan", std::numeric_limits<double>::quiet_NaN());
		object->set("infinity", std::numeric_limits<double>::infinity());
		object->set("float", -std::numeric_limits<float>::infinity());
		CPPUNIT_ASSERT_EQUAL(std::string(R"({"nan":null,"infinity":null,"float":null})"), write(object));
	}

	void roundTripsThroughTheParser()
	{
		std::string text = write(sample());
		Poco::JSON::Object::Ptr parsed = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
		CPPUNIT_ASSERT_EQUAL(std::string("a \"quoted\" name\n"), parsed->getValue<std::string>("text"));
		CPPUNIT_ASSERT_EQUAL(0.597, parsed->getValue<double>("rate"));
		CPPUNIT_ASSERT_EQUAL(std::int64_t(-1234567890123), parsed->getValue<std::int64_t>("big"));
		CPPUNIT_ASSERT(parsed->isNull("nothing"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), parsed->getArray("list")->size());
	}

	void writerMatchesSerializedObject()
	{
		http::JsonWriter writer;
		writer.beginObject();
		writer.key("text").value("a \"quoted\" name\n");
		writer.key("rate").value(0.597).key("sum").value(0.1 + 0.2).key("whole").value(5.0);
		writer.key("tiny").value(1e-7).key("huge").value(1e21);
		writer.key("big").value(std::int64_t(-1234567890123)).key("int").value(7);
		writer.key("yes").value(true).key("no").value(false);
		writer.key("nothing").value(std::optional<std::string>());
		writer.key("something").value(std::optional<double>(2.5));
		writer.key("list").beginArray().value(1).value("two").beginObject().endObject().endArray();
		writer.key("empty_list").beginArray().endArray();
		writer.key("nested").beginObject().key("b").value(1).key("a").beginArray().endArray().endObject();
		writer.key("raw").raw(R"({"x":[1,2]})");
		writer.endObject();

		Poco::JSON::Object::Ptr expected = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
		expected->set("text", std::string("a \"quoted\" name\n"));
		expected->set("rate", 0.597);
		expected->set("sum", 0.1 + 0.2);
		expected->set("whole", 5.0);
		expected->set("tiny", 1e-7);
		expected->set("huge", 1e21);
		expected->set("big", std::int64_t(-1234567890123));
		expected->set("int", 7);
		expected->set("yes", true);
		expected->set("no", false);
		expected->set("nothing", Poco::Dynamic::Var());
		expected->set("something", 2.5);
		Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
		list->add(1);
		list->add(std::string("two"));
		list->add(Poco::JSON::Object::Ptr(new Poco::JSON::Object));
		expected->set("list", list);
		expected->set("empty_list", Poco::JSON::Array::Ptr(new Poco::JSON::Array));
		Poco::JSON::Object::Ptr nested = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
		nested->set("b", 1);
		nested->set("a", Poco::JSON::Array::Ptr(new Poco::JSON::Array));
		expected->set("nested", nested);
		Poco::JSON::Object::Ptr raw = new Poco::JSON::Object;
		Poco::JSON::Array::Ptr numbers = new Poco::JSON::Array;
		numbers->add(1);
		numbers->add(2);
		raw->set("x", numbers);
		expected->set("raw", raw);
		CPPUNIT_ASSERT_EQUAL(poco(expected), writer.text());
	}

private:
	static Poco::JSON::Object::Ptr sample()
	{
		Poco::JSON::Object::Ptr object = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
		object->set("text", std::string("a \"quoted\" name\n"));
		object->set("rate", 0.597);
		object->set("sum", 0.1 + 0.2);
		object->set("whole", 5.0);
		object->set("tiny", 1e-7);
		object->set("huge", 1e21);
		object->set("single", 1.5f);
		object->set("big", std::int64_t(-1234567890123));
		object->set("unsigned", std::uint64_t(18446744073709551615ULL));
		object->set("int", 7);
		object->set("letter", 'x');
		object->set("when", Poco::DateTime(2020, 1, 2, 3, 4, 5));
		object->set("yes", true);
		object->set("no", false);
		object->set("nothing", Poco::Dynamic::Var());
		Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
		list->add(1);
		list->add(std::string("two"));
		list->add(Poco::JSON::Object::Ptr(new Poco::JSON::Object));
		object->set("list", list);
		object->set("empty_list", Poco::JSON::Array::Ptr(new Poco::JSON::Array));
		Poco::JSON::Object::Ptr nested = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
		nested->set("b", 1);
		nested->set("a", Poco::JSON::Array::Ptr(new Poco::JSON::Array));
		object->set("nested", nested);
		return object;
	}

	static std::string write(const Poco::Dynamic::Var& value)
	{
		std::string out;
		http::appendJson(value, out);
		return out;
	}

	static std::string poco(const Poco::Dynamic::Var& value)
	{
		std::ostringstream out;
		Poco::JSON::Stringifier::stringify(value, out, 0, -1, Poco::JSON_PRESERVE_KEY_ORDER);
		return out.str();
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(JsonWriterTest);
