#pragma once

/// Marks a symbol that must be visible across the plugin boundary even when a plugin is built with
/// -fvisibility=hidden: the exported factory and the exception type that host and plugin both catch.
#if defined(__GNUC__)
#define GPUCLOUD_SDK_API __attribute__((visibility("default")))
#else
#define GPUCLOUD_SDK_API
#endif
