#include "hostdev_editor.h"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <optional>
#include <stdexcept>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "domain_xml.h"

namespace gpucloud::plugins::libvirt
{

namespace
{

struct DocumentFree
{
	void operator()(xmlDocPtr document) const { xmlFreeDoc(document); }
};
using Document = std::unique_ptr<xmlDoc, DocumentFree>;

struct BufferFree
{
	void operator()(xmlBufferPtr buffer) const { xmlBufferFree(buffer); }
};

Document parseXml(const std::string& text)
{
	constexpr int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
	Document document(xmlReadMemory(text.data(), static_cast<int>(text.size()), nullptr, nullptr, options));
	if (!document)
	{
		const xmlError* error = xmlGetLastError();
		throw std::invalid_argument(std::string("invalid XML: ")
			+ (error != nullptr && error->message != nullptr ? error->message : "not well-formed"));
	}
	return document;
}

bool isElement(xmlNodePtr node, const char* name)
{
	return node->type == XML_ELEMENT_NODE && xmlStrEqual(node->name, reinterpret_cast<const xmlChar*>(name));
}

xmlNodePtr childElement(xmlNodePtr parent, const char* name)
{
	for (xmlNodePtr child = parent->children; child != nullptr; child = child->next)
	{
		if (isElement(child, name))
			return child;
	}
	return nullptr;
}

std::string attribute(xmlNodePtr node, const char* name)
{
	xmlChar* value = xmlGetProp(node, reinterpret_cast<const xmlChar*>(name));
	std::string text = value != nullptr ? reinterpret_cast<const char*>(value) : "";
	xmlFree(value);
	return text;
}

unsigned parseNumber(const std::string& text)
{
	// libvirt writes hostdev addresses in hexadecimal with a 0x prefix; base 0 also accepts decimal.
	return static_cast<unsigned>(std::strtoul(text.c_str(), nullptr, 0));
}

/// Returns the host address of a PCI passthrough `<hostdev>`, or nothing for any other node.
std::optional<PciAddress> pciSource(xmlNodePtr node)
{
	if (!isElement(node, "hostdev") || attribute(node, "mode") != "subsystem" || attribute(node, "type") != "pci")
		return std::nullopt;
	xmlNodePtr source = childElement(node, "source");
	xmlNodePtr address = source != nullptr ? childElement(source, "address") : nullptr;
	if (address == nullptr)
		return std::nullopt;
	return PciAddress{parseNumber(attribute(address, "domain")), parseNumber(attribute(address, "bus")),
		parseNumber(attribute(address, "slot")), parseNumber(attribute(address, "function"))};
}

bool contains(const std::vector<PciAddress>& addresses, const PciAddress& address)
{
	return std::find(addresses.begin(), addresses.end(), address) != addresses.end();
}

/// Removes every PCI hostdev of `devices` whose GPU is not in `gpus`, and every repeated hostdev of one GPU. Returns
/// the GPUs whose hostdev stays.
std::vector<PciAddress> removeOtherHostdevs(xmlNodePtr devices, const std::vector<PciAddress>& gpus)
{
	std::vector<PciAddress> kept;
	xmlNodePtr node = devices->children;
	while (node != nullptr)
	{
		xmlNodePtr next = node->next;
		std::optional<PciAddress> source = pciSource(node);
		if (source && contains(gpus, *source) && !contains(kept, *source))
		{
			kept.push_back(*source);
		}
		else if (source)
		{
			xmlUnlinkNode(node);
			xmlFreeNode(node);
		}
		node = next;
	}
	return kept;
}

void appendHostdev(xmlDocPtr document, xmlNodePtr devices, const PciAddress& gpu)
{
	Document fragment = parseXml(buildHostdevXml(gpu));
	xmlNodePtr hostdev = xmlDocCopyNode(xmlDocGetRootElement(fragment.get()), document, 1);
	if (hostdev == nullptr || xmlAddChild(devices, hostdev) == nullptr)
	{
		xmlFreeNode(hostdev);
		throw std::runtime_error("cannot add a hostdev element to the domain XML");
	}
}

std::string serialize(xmlDocPtr document)
{
	std::unique_ptr<xmlBuffer, BufferFree> buffer(xmlBufferCreate());
	if (!buffer || xmlNodeDump(buffer.get(), document, xmlDocGetRootElement(document), 0, 0) < 0)
		throw std::runtime_error("cannot write the domain XML");
	return std::string(reinterpret_cast<const char*>(xmlBufferContent(buffer.get()))) + "\n";
}

} // namespace

std::string replaceGpuHostdevs(const std::string& domainXml, const std::vector<PciAddress>& gpus)
{
	Document document = parseXml(domainXml);
	xmlNodePtr root = xmlDocGetRootElement(document.get());
	if (root == nullptr || !isElement(root, "domain"))
		throw std::invalid_argument("the XML is not a libvirt domain description: its root element is not <domain>");
	xmlNodePtr devices = childElement(root, "devices");
	if (devices == nullptr)
		throw std::invalid_argument("the domain XML has no <devices> element");

	std::vector<PciAddress> kept = removeOtherHostdevs(devices, gpus);
	for (const PciAddress& gpu : gpus)
	{
		if (!contains(kept, gpu))
			appendHostdev(document.get(), devices, gpu);
	}
	return serialize(document.get());
}

} // namespace gpucloud::plugins::libvirt
