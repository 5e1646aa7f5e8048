# gpucloud_add_plugin(NAME SOURCES...)
# Builds a hypervisor plugin as a MODULE library named libgpucloud_<NAME>.so in the plugin folder of the build tree.
# A plugin links the SDK headers only; it may add private dependencies of its own afterwards.
function(gpucloud_add_plugin name)
	set(target gpucloud_plugin_${name})
	add_library(${target} MODULE ${ARGN})
	target_link_libraries(${target} PRIVATE gpucloud::sdk Threads::Threads)
	set_target_properties(${target} PROPERTIES
		OUTPUT_NAME gpucloud_${name}
		LIBRARY_OUTPUT_DIRECTORY ${GPUCLOUD_PLUGIN_OUTPUT_DIR}
		CXX_VISIBILITY_PRESET hidden
		VISIBILITY_INLINES_HIDDEN ON)
	install(TARGETS ${target} LIBRARY DESTINATION lib/gpucloud/plugins)
endfunction()
