#include <stdexcept>

#include <cppunit/extensions/HelperMacros.h>

#include "http/router.h"

using gpucloud::http::Request;
using gpucloud::http::Response;
using gpucloud::http::RouteMatch;
using gpucloud::http::Router;

namespace
{

Response ok(Request&)
{
	return Response::rawJson("{}");
}

} // namespace

class RouterTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(RouterTest);
	CPPUNIT_TEST(literalRoute);
	CPPUNIT_TEST(parameterRoute);
	CPPUNIT_TEST(literalBeatsParameter);
	CPPUNIT_TEST(trailingSlashIgnored);
	CPPUNIT_TEST(unknownPathNotFound);
	CPPUNIT_TEST(prefixOfRouteNotFound);
	CPPUNIT_TEST(wrongMethodListsAllowed);
	CPPUNIT_TEST(headFallsBackToGet);
	CPPUNIT_TEST(duplicateRouteRejected);
	CPPUNIT_TEST(conflictingParameterNameRejected);
	CPPUNIT_TEST(defaultRateClass);
	CPPUNIT_TEST_SUITE_END();

public:
	void literalRoute()
	{
		Router router;
		router.add("GET", "/pricing", ok);
		RouteMatch match = router.match("GET", "/pricing");
		CPPUNIT_ASSERT(match.outcome == RouteMatch::Outcome::Found);
		CPPUNIT_ASSERT_EQUAL(std::string("/pricing"), match.route->pattern);
	}

	void parameterRoute()
	{
		Router router;
		router.add("POST", "/vms/{id}/start", ok);
		RouteMatch match = router.match("POST", "/vms/3f2a-11/start");
		CPPUNIT_ASSERT(match.outcome == RouteMatch::Outcome::Found);
		CPPUNIT_ASSERT_EQUAL(std::string("3f2a-11"), match.parameters.at("id"));
	}

	void literalBeatsParameter()
	{
		Router router;
		router.add("GET", "/vms/{id}", ok);
		router.add("GET", "/vms/summary", ok);
		RouteMatch literal = router.match("GET", "/vms/summary");
		CPPUNIT_ASSERT_EQUAL(std::string("/vms/summary"), literal.route->pattern);
		CPPUNIT_ASSERT(literal.parameters.empty());
		RouteMatch parameter = router.match("GET", "/vms/abc");
		CPPUNIT_ASSERT_EQUAL(std::string("/vms/{id}"), parameter.route->pattern);
	}

	void trailingSlashIgnored()
	{
		Router router;
		router.add("GET", "/vms", ok);
		CPPUNIT_ASSERT(router.match("GET", "/vms/").outcome == RouteMatch::Outcome::Found);
	}

	void unknownPathNotFound()
	{
		Router router;
		router.add("GET", "/vms", ok);
		CPPUNIT_ASSERT(router.match("GET", "/nothing").outcome == RouteMatch::Outcome::NotFound);
	}

	void prefixOfRouteNotFound()
	{
		Router router;
		router.add("POST", "/vms/{id}/start", ok);
		CPPUNIT_ASSERT(router.match("POST", "/vms/abc").outcome == RouteMatch::Outcome::NotFound);
		CPPUNIT_ASSERT(router.match("POST", "/").outcome == RouteMatch::Outcome::NotFound);
	}

	void wrongMethodListsAllowed()
	{
		Router router;
		router.add("GET", "/vms/{id}", ok);
		router.add("DELETE", "/vms/{id}", ok);
		router.add("PATCH", "/vms/{id}", ok);
		RouteMatch match = router.match("PUT", "/vms/x");
		CPPUNIT_ASSERT(match.outcome == RouteMatch::Outcome::MethodNotAllowed);
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), match.allowedMethods.size());
		CPPUNIT_ASSERT_EQUAL(std::string("DELETE"), match.allowedMethods[0]);
		CPPUNIT_ASSERT_EQUAL(std::string("GET"), match.allowedMethods[1]);
		CPPUNIT_ASSERT_EQUAL(std::string("PATCH"), match.allowedMethods[2]);
	}

	void headFallsBackToGet()
	{
		Router router;
		router.add("GET", "/healthz", ok);
		RouteMatch match = router.match("HEAD", "/healthz");
		CPPUNIT_ASSERT(match.outcome == RouteMatch::Outcome::Found);
		CPPUNIT_ASSERT_EQUAL(std::string("GET"), match.route->method);
	}

	void duplicateRouteRejected()
	{
		Router router;
		router.add("GET", "/vms", ok);
		CPPUNIT_ASSERT_THROW(router.add("GET", "/vms", ok), std::invalid_argument);
	}

	void conflictingParameterNameRejected()
	{
		Router router;
		router.add("GET", "/vms/{id}", ok);
		CPPUNIT_ASSERT_THROW(router.add("DELETE", "/vms/{vm}", ok), std::invalid_argument);
	}

	void defaultRateClass()
	{
		Router router;
		router.add("GET", "/a", ok);
		router.add("POST", "/a", ok);
		CPPUNIT_ASSERT(router.match("GET", "/a").route->options.rateClass == gpucloud::ratelimit::RateClass::Read);
		CPPUNIT_ASSERT(router.match("POST", "/a").route->options.rateClass == gpucloud::ratelimit::RateClass::None);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(RouterTest);
