#include "metrics/metrics_route.h"

#include "http/api_error.h"

namespace gpucloud::metrics
{

namespace
{

bool equalInConstantTime(const std::string& left, const std::string& right)
{
	if (left.size() != right.size())
		return false;
	unsigned char difference = 0;
	for (std::size_t i = 0; i < left.size(); ++i)
		difference = static_cast<unsigned char>(difference | (left[i] ^ right[i]));
	return difference == 0;
}

} // namespace

void registerMetricsRoute(http::Router& router, std::shared_ptr<MetricsRegistry> registry, std::string bearerToken)
{
	router.add("GET", "/metrics", [registry, bearerToken](http::Request& request) {
		if (!bearerToken.empty() && !equalInConstantTime(request.header("Authorization"), "Bearer " + bearerToken))
			throw http::unauthorized("A valid metrics token is required");
		http::Response response;
		response.contentType = "text/plain; version=0.0.4";
		response.body = registry->scrape();
		return response;
	}, {auth::Permission::Public, ratelimit::RateClass::None});
}

} // namespace gpucloud::metrics
