#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <cppunit/extensions/HelperMacros.h>

#include "gpucloud/sdk/hypervisor_backend.h"
#include "kit_host.h"
#include "kit_options.h"

namespace gpucloud::conformance
{

/// Sets the options every fixture reads; called once by main() before the tests run.
void setKitOptions(const KitOptions& options);
const KitOptions& kitOptions();

/// A free GPU on an online node that offers a template.
struct GpuSlot
{
	std::string node;
	std::string address;
};

/// Base of every conformance suite. Each test gets a freshly loaded backend (with capability checks of the loader
/// off, so that the plugin itself must raise NotSupported), and every VM a test creates is destroyed afterwards.
class ConformanceFixture : public CppUnit::TestFixture
{
public:
	void setUp() override;
	void tearDown() override;

protected:
	sdk::HypervisorBackend& backend() { return *_backend; }
	bool declared(sdk::Capability capability) const;

	/// Prints that a capability is not declared. With `raisesError`, the test goes on to check that the operation
	/// raises NotSupported; otherwise (a field that is simply not filled in) there is nothing more to check.
	void reportNotDeclared(sdk::Capability capability, const std::string& check, bool raisesError = true) const;

	/// Returns the first online node that offers a template, and that template.
	const sdk::NodeInfo& workNode();
	std::int64_t workTemplate();

	/// Returns up to `count` GPUs that are free on one online node with a template; fewer when none has as many.
	std::vector<GpuSlot> freeGpus(std::size_t count);

	/// Returns a spec for a new VM on the work node (or `node`) with a fresh VM id, remembered for cleanup.
	sdk::VmSpec newSpec(const std::string& node = "");

	/// Creates the VM of `spec` and returns its reference.
	sdk::VmRef create(const sdk::VmSpec& spec);

	/// Returns the GPU `address` of `node` as listNodes() reports it now.
	sdk::GpuDevice gpuState(const std::string& node, const std::string& address);

	/// Returns a fresh random VM id (a UUID).
	static std::string randomVmId();

	/// Runs `call` and asserts that it throws BackendError of `kind`; returns the message.
	std::string expectError(sdk::ErrorKind kind, const std::function<void()>& call, const std::string& what);

	/// Polls `condition` every 50 ms until it holds or `seconds` pass; returns whether it held.
	static bool eventually(const std::function<bool()>& condition, int seconds = 30);

	static constexpr std::chrono::seconds kGrace{10};

private:
	std::unique_ptr<KitHost> _host;
	std::shared_ptr<sdk::HypervisorBackend> _backend;
	std::optional<std::vector<sdk::NodeInfo>> _nodes;
	std::vector<sdk::VmRef> _created;
	std::mutex _createdMutex;
};

} // namespace gpucloud::conformance
