#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "fault_rule.h"
#include "operation.h"

namespace gpucloud::plugins::mock
{

/// A GPU model that nodes can carry, keyed by its type code ("5090").
struct GpuTypeSettings
{
	std::string code;
	std::string model;
	std::uint64_t vramMb = 0;
};

/// `count` GPUs of one type on one node.
struct GpuGroupSettings
{
	std::string type;
	std::uint32_t count = 0;
};

struct NodeSettings
{
	std::string name;
	bool online = true;
	std::string statusReason;  ///< why the node is offline; empty when online
	std::string location;
	std::string cpuModel;
	std::uint32_t cpuCores = 0;
	std::uint64_t ramMb = 0;
	std::uint64_t storageTotalGb = 0;
	std::uint64_t storageFreeGb = 0;  ///< free space before any mock VM takes its share
	std::uint32_t pcieGen = 0;
	std::vector<GpuGroupSettings> gpus;  ///< in configuration order, which fixes the GPUs' PCI addresses
	std::vector<std::int64_t> templateVmids;
};

/// The mock backend's typed configuration, read once when the backend is created.
struct MockSettings
{
	std::map<std::string, GpuTypeSettings> gpuTypes;
	std::vector<NodeSettings> nodes;
	std::array<std::chrono::milliseconds, kOperationCount> delays{};
	std::array<std::vector<FaultRule>, kOperationCount> faults;
	std::chrono::milliseconds hangTimeout{30000};
	std::uint32_t capabilities = 0;  ///< bitwise OR of sdk::Capability values
	std::string stateFile;           ///< empty: the state lives in memory only
};

} // namespace gpucloud::plugins::mock
