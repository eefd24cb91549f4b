# Writes OUT with IMHUB_VERSION and IMHUB_REVISION (`git describe --always --dirty` of SRC), and
# leaves it untouched when nothing changed so nothing recompiles. Run at every build.
execute_process(COMMAND git -C "${SRC}" describe --always --dirty --tags
                OUTPUT_VARIABLE revision OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE failed)
if(failed)
  set(revision "")
endif()
set(text "#define IMHUB_VERSION \"${VERSION}\"\n#define IMHUB_REVISION \"${revision}\"\n")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
endif()
if(NOT "${old}" STREQUAL "${text}")
  file(WRITE "${OUT}" "${text}")
endif()
