#include "xml_document.h"

#include <stdexcept>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xpathInternals.h>

namespace gpucloud::plugins::libvirt
{

namespace
{

const xmlChar* toXml(const std::string& text)
{
	return reinterpret_cast<const xmlChar*>(text.c_str());
}

struct XPathObjectFree
{
	void operator()(xmlXPathObjectPtr object) const { xmlXPathFreeObject(object); }
};
using XPathObject = std::unique_ptr<xmlXPathObject, XPathObjectFree>;

} // namespace

XmlDocument::XmlDocument(const std::string& text)
{
	constexpr int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
	_document.reset(xmlReadMemory(text.data(), static_cast<int>(text.size()), nullptr, nullptr, options));
	if (!_document)
	{
		const xmlError* error = xmlGetLastError();
		throw std::invalid_argument(std::string("invalid XML: ")
			+ (error != nullptr && error->message != nullptr ? error->message : "not well-formed"));
	}
	_context.reset(xmlXPathNewContext(_document.get()));
	if (!_context)
		throw std::runtime_error("cannot create an XPath context");
}

void XmlDocument::registerNamespace(const std::string& prefix, const std::string& uri)
{
	xmlXPathRegisterNs(_context.get(), toXml(prefix), toXml(uri));
}

std::string XmlDocument::evaluateString(const std::string& expression, xmlNodePtr contextNode) const
{
	_context->node = contextNode;
	XPathObject result(xmlXPathEvalExpression(toXml(expression), _context.get()));
	if (!result)
		throw std::invalid_argument("invalid XPath expression '" + expression + "'");
	xmlChar* value = xmlXPathCastToString(result.get());
	std::string text = value != nullptr ? reinterpret_cast<const char*>(value) : "";
	xmlFree(value);
	return text;
}

std::string XmlDocument::text(const std::string& expression) const
{
	return evaluateString(expression, xmlDocGetRootElement(_document.get()));
}

std::vector<std::string> XmlDocument::textOfEach(const std::string& nodes, const std::string& expression) const
{
	_context->node = xmlDocGetRootElement(_document.get());
	XPathObject selection(xmlXPathEvalExpression(toXml(nodes), _context.get()));
	if (!selection)
		throw std::invalid_argument("invalid XPath expression '" + nodes + "'");

	std::vector<std::string> values;
	xmlNodeSetPtr set = selection->nodesetval;
	int size = set != nullptr ? set->nodeNr : 0;
	for (int i = 0; i < size; ++i)
		values.push_back(evaluateString(expression, set->nodeTab[i]));
	return values;
}

std::size_t XmlDocument::count(const std::string& expression) const
{
	_context->node = xmlDocGetRootElement(_document.get());
	XPathObject selection(xmlXPathEvalExpression(toXml(expression), _context.get()));
	if (!selection || selection->nodesetval == nullptr)
		return 0;
	return static_cast<std::size_t>(selection->nodesetval->nodeNr);
}

} // namespace gpucloud::plugins::libvirt
