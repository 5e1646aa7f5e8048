#include "default_inventory.h"

namespace gpucloud::plugins::mock
{

std::map<std::string, GpuTypeSettings> defaultGpuTypes()
{
	return {
		{"5090", {"5090", "RTX 5090", 32768}},
		{"4090", {"4090", "RTX 4090", 24576}},
		{"6000pro", {"6000pro", "RTX PRO 6000", 98304}},
	};
}

std::vector<std::string> defaultNodeNames()
{
	return {"vm01", "vm02"};
}

std::vector<std::int64_t> defaultTemplateVmids()
{
	return {100, 101, 102, 103, 104};
}

NodeSettings baseNodeSettings(const std::string& name)
{
	NodeSettings node;
	node.name = name;
	node.templateVmids = defaultTemplateVmids();
	if (name == "vm01")
	{
		node.location = "Frankfurt, DE";
		node.cpuModel = "AMD EPYC 9554 64-Core Processor";
		node.cpuCores = 128;
		node.ramMb = 1572864;
		node.storageTotalGb = 15360;
		node.storageFreeGb = 14336;
		node.pcieGen = 5;
		node.gpus = {{"5090", 4}, {"4090", 2}, {"6000pro", 2}};
	}
	else if (name == "vm02")
	{
		node.location = "Helsinki, FI";
		node.cpuModel = "Intel Xeon Platinum 8480+";
		node.cpuCores = 112;
		node.ramMb = 1048576;
		node.storageTotalGb = 7680;
		node.storageFreeGb = 7168;
		node.pcieGen = 5;
		node.gpus = {{"5090", 2}, {"4090", 4}, {"6000pro", 2}};
	}
	else
	{
		node.location = "local";
		node.cpuModel = "Generic x86-64";
		node.cpuCores = 64;
		node.ramMb = 262144;
		node.storageTotalGb = 4096;
		node.storageFreeGb = 4096;
		node.pcieGen = 4;
	}
	return node;
}

} // namespace gpucloud::plugins::mock
