#include "http/router.h"

#include <stdexcept>

namespace gpucloud::http
{

struct Router::Node
{
	std::map<std::string, std::unique_ptr<Node>> literals;
	std::unique_ptr<Node> parameter;
	std::string parameterName;
	std::map<std::string, const Route*> methods;
};

Router::Router() : _root(std::make_unique<Node>())
{
}

Router::~Router() = default;

std::vector<std::string> splitPath(const std::string& path)
{
	std::vector<std::string> segments;
	std::size_t start = 0;
	while (start <= path.size())
	{
		std::size_t end = path.find('/', start);
		if (end == std::string::npos)
			end = path.size();
		if (end > start)
			segments.push_back(path.substr(start, end - start));
		start = end + 1;
	}
	return segments;
}

void Router::add(const std::string& method, const std::string& pattern, Handler handler, RouteOptions options)
{
	if (options.rateClass == ratelimit::RateClass::Default)
		options.rateClass = method == "GET" ? ratelimit::RateClass::Read : ratelimit::RateClass::None;

	Node* node = _root.get();
	for (const std::string& segment : splitPath(pattern))
	{
		bool isParameter = segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
		if (!isParameter)
		{
			auto& child = node->literals[segment];
			if (!child)
				child = std::make_unique<Node>();
			node = child.get();
			continue;
		}

		std::string name = segment.substr(1, segment.size() - 2);
		if (!node->parameter)
		{
			node->parameter = std::make_unique<Node>();
			node->parameterName = name;
		}
		else if (node->parameterName != name)
		{
			throw std::invalid_argument("Route '" + pattern + "' names parameter '" + name + "' where another route names '"
				+ node->parameterName + "'");
		}
		node = node->parameter.get();
	}

	if (node->methods.count(method) != 0)
		throw std::invalid_argument("Route " + method + " '" + pattern + "' is registered twice");

	_routes.push_back(std::make_unique<Route>(Route{method, pattern, std::move(handler), options}));
	node->methods[method] = _routes.back().get();
}

RouteMatch Router::match(const std::string& method, const std::string& path) const
{
	RouteMatch result;
	const Node* node = _root.get();
	for (const std::string& segment : splitPath(path))
	{
		auto literal = node->literals.find(segment);
		if (literal != node->literals.end())
		{
			node = literal->second.get();
		}
		else if (node->parameter)
		{
			result.parameters[node->parameterName] = segment;
			node = node->parameter.get();
		}
		else
		{
			return RouteMatch{};
		}
	}

	if (node->methods.empty())
		return RouteMatch{};

	auto found = node->methods.find(method);
	if (found == node->methods.end() && method == "HEAD")
		found = node->methods.find("GET");
	if (found == node->methods.end())
	{
		result.outcome = RouteMatch::Outcome::MethodNotAllowed;
		result.parameters.clear();
		for (const auto& entry : node->methods)
			result.allowedMethods.push_back(entry.first);
		return result;
	}

	result.outcome = RouteMatch::Outcome::Found;
	result.route = found->second;
	return result;
}

} // namespace gpucloud::http
