#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "auth/principal.h"
#include "http/request.h"
#include "http/response.h"
#include "ratelimit/rate_limiter.h"

namespace gpucloud::http
{

using Handler = std::function<Response(Request&)>;

/// Access rules that the dispatcher enforces before a handler runs.
struct RouteOptions
{
	auth::Permission permission = auth::Permission::Public;
	ratelimit::RateClass rateClass = ratelimit::RateClass::Default;
};

/// A registered route.
struct Route
{
	std::string method;
	std::string pattern;  ///< such as "/vms/{id}/start"
	Handler handler;
	RouteOptions options;
};

/// Result of matching a method and path against the routing table.
struct RouteMatch
{
	enum class Outcome
	{
		Found,
		NotFound,          ///< no route has this path
		MethodNotAllowed,  ///< the path exists with other methods, listed in `allowedMethods`
	};

	Outcome outcome = Outcome::NotFound;
	const Route* route = nullptr;
	std::map<std::string, std::string> parameters;
	std::vector<std::string> allowedMethods;
};

/// Maps a method and a path to a handler. Patterns are split on '/'; a segment "{name}" matches any one
/// non-empty segment and binds it to `name`. A literal segment wins over a parameter at the same position.
/// Routes are added at start-up; match() is then thread-safe because it only reads.
class Router
{
public:
	Router();
	~Router();

	/// Adds a route. Throws std::invalid_argument for a pattern registered twice with the same method, or with a
	/// parameter name that differs from an existing route's at the same position.
	void add(const std::string& method, const std::string& pattern, Handler handler, RouteOptions options = {});

	RouteMatch match(const std::string& method, const std::string& path) const;

	const std::vector<std::unique_ptr<Route>>& routes() const { return _routes; }

private:
	struct Node;

	std::unique_ptr<Node> _root;
	std::vector<std::unique_ptr<Route>> _routes;
};

/// Splits a path on '/', dropping empty segments, so that "/vms/" and "/vms" are the same path.
std::vector<std::string> splitPath(const std::string& path);

} // namespace gpucloud::http
