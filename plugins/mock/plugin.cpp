#include "gpucloud/sdk/hypervisor_backend.h"
#include "mock_backend.h"
#include "settings_parser.h"

namespace gpucloud::plugins::mock
{

namespace
{

sdk::HypervisorBackend* createBackend(const sdk::BackendContext& context)
{
	if (!context.host)
		throw sdk::BackendError(sdk::ErrorKind::InvalidRequest,
			"Backend '" + context.instanceName + "': the server passed no host services");
	MockSettings settings = parseSettings(context.instanceName, context.config);
	return new MockBackend(context.instanceName, std::move(settings), *context.host);
}

} // namespace

} // namespace gpucloud::plugins::mock

GPUCLOUD_DEFINE_PLUGIN(gpucloud::plugins::mock::createBackend)
