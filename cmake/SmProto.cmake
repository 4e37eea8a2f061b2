# sm_add_proto_library(<target> PROTOS <file.proto...> [GRPC])
# A static library with the C++ code protoc generates for the given files (and, with GRPC,
# the grpc++ service stubs). Protos import each other relative to ${PROJECT_SOURCE_DIR}/proto
# ("worker/v1/worker.proto"); C++ includes the generated headers by base name ("worker.pb.h",
# "worker.grpc.pb.h"), so proto file names must be unique across the project.
function(sm_add_proto_library target)
  cmake_parse_arguments(ARG "GRPC" "" "PROTOS" ${ARGN})
  set(proto_root "${PROJECT_SOURCE_DIR}/proto")
  set(out_dir "${CMAKE_CURRENT_BINARY_DIR}/generated")
  file(MAKE_DIRECTORY "${out_dir}")
  add_library(${target} STATIC ${ARG_PROTOS})
  # Generated code is not ours to warn about.
  set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON COMPILE_OPTIONS "-w")
  target_include_directories(${target} PUBLIC "${out_dir}")
  target_link_libraries(${target} PUBLIC protobuf::libprotobuf)
  protobuf_generate(TARGET ${target} LANGUAGE cpp IMPORT_DIRS "${proto_root}"
    PROTOC_OUT_DIR "${out_dir}" APPEND_PATH)
  if(ARG_GRPC)
    target_link_libraries(${target} PUBLIC gRPC::grpc++)
    protobuf_generate(TARGET ${target} LANGUAGE grpc IMPORT_DIRS "${proto_root}"
      PROTOC_OUT_DIR "${out_dir}" APPEND_PATH
      GENERATE_EXTENSIONS .grpc.pb.h .grpc.pb.cc
      PLUGIN "protoc-gen-grpc=$<TARGET_FILE:gRPC::grpc_cpp_plugin>")
  endif()
endfunction()
