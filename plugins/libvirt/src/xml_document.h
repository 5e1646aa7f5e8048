#pragma once

#include <memory>
#include <string>
#include <vector>

#include <libxml/tree.h>
#include <libxml/xpath.h>

namespace gpucloud::plugins::libvirt
{

/// A parsed XML document queried with XPath: enough to read what libvirt returns (domain, node device and
/// volume descriptions). Network access and external entities are disabled while parsing.
class XmlDocument
{
public:
	/// Parses `text`. Throws std::invalid_argument with libxml2's message when it is not well-formed XML.
	explicit XmlDocument(const std::string& text);

	/// Registers a namespace prefix for use in later expressions.
	void registerNamespace(const std::string& prefix, const std::string& uri);

	/// Returns the string value of `expression` (for example "string(/domain/name)"), empty when nothing matches.
	std::string text(const std::string& expression) const;

	/// Returns the string value of `expression` evaluated once for each node that `nodes` selects, in document order.
	std::vector<std::string> textOfEach(const std::string& nodes, const std::string& expression) const;

	/// Returns how many nodes `expression` selects.
	std::size_t count(const std::string& expression) const;

private:
	struct DocumentFree
	{
		void operator()(xmlDocPtr document) const { xmlFreeDoc(document); }
	};
	struct ContextFree
	{
		void operator()(xmlXPathContextPtr context) const { xmlXPathFreeContext(context); }
	};

	std::string evaluateString(const std::string& expression, xmlNodePtr contextNode) const;

	std::unique_ptr<xmlDoc, DocumentFree> _document;
	std::unique_ptr<xmlXPathContext, ContextFree> _context;
};

} // namespace gpucloud::plugins::libvirt
