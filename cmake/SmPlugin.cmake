# sm_add_plugin(<target> METADATA <file.json> SOURCES <src...>)
#
# Builds a Session Manager plugin: a Qt plugin MODULE linked against the SDK only.
# The metadata file is read by moc (Q_PLUGIN_METADATA ... FILE) and must sit next to
# the header that declares the plugin class; it is listed here so edits rebuild it.
# Installed with the SDK, so in-tree and out-of-tree plugins are built the same way.
function(sm_add_plugin target)
  cmake_parse_arguments(ARG "" "METADATA" "SOURCES" ${ARGN})
  if(NOT ARG_METADATA OR NOT ARG_SOURCES)
    message(FATAL_ERROR "sm_add_plugin(${target}): METADATA and SOURCES are required")
  endif()
  add_library(${target} MODULE ${ARG_SOURCES} ${ARG_METADATA})
  set_target_properties(${target} PROPERTIES AUTOMOC ON PREFIX "")
  set_property(TARGET ${target} APPEND PROPERTY AUTOMOC_DEPEND_FILTERS
               "Q_PLUGIN_METADATA" "FILE[ ]*\"([^\"]+)\"")
  target_link_libraries(${target} PRIVATE SessionManager::Sdk)
  if(DEFINED SM_PLUGIN_OUTPUT_DIR)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${SM_PLUGIN_OUTPUT_DIR}")
  endif()
endfunction()
