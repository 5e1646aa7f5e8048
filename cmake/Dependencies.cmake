# Debian's Poco::DataPostgreSQL links the target PostgreSQL::client, which its CMake package never defines.
find_package(PostgreSQL REQUIRED)
if(NOT TARGET PostgreSQL::client)
	add_library(PostgreSQL::client INTERFACE IMPORTED)
	target_link_libraries(PostgreSQL::client INTERFACE PostgreSQL::PostgreSQL)
endif()

find_package(Poco 1.11 REQUIRED COMPONENTS
	Foundation Util Net NetSSL JSON JWT Data DataSQLite DataPostgreSQL Crypto)
find_package(Boost 1.74 REQUIRED)
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(CPPUNIT REQUIRED IMPORTED_TARGET cppunit)
pkg_check_modules(LIBVIRT REQUIRED IMPORTED_TARGET libvirt>=9.0)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
