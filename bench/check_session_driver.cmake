# CTest session_driver_cpu: runs bench/session_driver on the CPU with a tiny synthetic experiment
# (a few seconds) and checks its exit status and that its JSON reports every phase, each ok.
# cmake -DDRIVER=<session_driver> -DOUT=<folder> -P check_session_driver.cmake
cmake_minimum_required(VERSION 3.25)
foreach(var DRIVER OUT)
  if(NOT ${var})
    message(FATAL_ERROR "check_session_driver.cmake: pass -D${var}=...")
  endif()
endforeach()

# The tests' tiny_config (tests/tiny_config.h), with a test split large enough to map.
set(tiny --set data.dataset=synthetic --set data.path= --set data.synthetic_per_class=20 --set data.synthetic_size=16
         --set model.width=8 --set model.feature_dim=16 --set moco.queue_size=64 --set moco.bn_splits=2
         --set optim.batch_size=16 --set run.seed=3 --set run.threads=1)
execute_process(COMMAND ${DRIVER} --device cpu --preset v2 ${tiny} --steps 3 --out ${OUT} --phase-timeout 60
                OUTPUT_VARIABLE json ERROR_VARIABLE errors RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "session_driver exited with ${status}:\n${errors}\n${json}")
endif()

set(expected start live_edit evaluation tsne pause step_once resume checkpoint stop)
string(JSON count LENGTH "${json}" phases)
list(LENGTH expected want)
if(NOT count EQUAL want)
  message(FATAL_ERROR "${count} phases reported, expected ${want} (${expected}):\n${json}")
endif()
math(EXPR last "${count} - 1")
foreach(i RANGE ${last})
  list(GET expected ${i} name)
  string(JSON got GET "${json}" phases ${i} name)
  string(JSON ok GET "${json}" phases ${i} ok)
  string(JSON detail GET "${json}" phases ${i} detail)
  if(NOT got STREQUAL name OR NOT ok)
    message(FATAL_ERROR "phase ${i}: ${got} ok=${ok}, expected ${name} ok: ${detail}")
  endif()
  message(STATUS "${name}: ${detail}")
endforeach()
string(JSON device GET "${json}" device)
message(STATUS "every phase ok on ${device}")
