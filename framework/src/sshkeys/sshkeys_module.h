#pragma once

#include <memory>

#include "app/server_context.h"
#include "sshkeys/ssh_key_store.h"

namespace gpucloud::sshkeys
{

/// Registers POST /ssh-keys, GET /ssh-keys, GET /ssh-keys/{id} and DELETE /ssh-keys/{id} on `router` and returns
/// the store they use, which the VM module shares to resolve `ssh_key_id`.
std::shared_ptr<SshKeyStore> installSshKeyRoutes(app::ServerContext& context);

} // namespace gpucloud::sshkeys
