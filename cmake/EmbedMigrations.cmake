# Writes OUTPUT, a C++ file that defines gpucloud::db::embeddedMigrations() from the SQL files in INPUTS
# (separated by '|', because a ';' would split the custom command).
# File names have the form NNNN_description.sql; NNNN is the schema version the file brings the database to.
string(REPLACE "|" ";" INPUTS "${INPUTS}")
set(content "#include \"db/migrations.h\"\n\nnamespace gpucloud::db\n{\n\nconst std::vector<Migration>& embeddedMigrations()\n{\n\tstatic const std::vector<Migration> migrations = {\n")
foreach(input IN LISTS INPUTS)
	get_filename_component(name ${input} NAME_WE)
	string(REGEX MATCH "^[0-9]+" version "${name}")
	string(REGEX REPLACE "^0+" "" version "${version}")
	file(READ ${input} sql)
	string(APPEND content "\t\t{${version}, \"${name}\", R\"gpucloud_sql(${sql})gpucloud_sql\"},\n")
endforeach()
string(APPEND content "\t};\n\treturn migrations;\n}\n\n} // namespace gpucloud::db\n")
file(WRITE ${OUTPUT} "${content}")
