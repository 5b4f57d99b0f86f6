# embed.cmake: write IN's bytes as a C string, rt_alembic_helper, to OUT.
# Run as: cmake -DIN=file -DOUT=file.c -P embed.cmake
file(READ ${IN} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" bytes "${bytes}")
file(WRITE ${OUT} "/* made from alembic_helper.py by cmake/embed.cmake; do not edit */\n"
  "extern const char rt_alembic_helper[];\n"
  "const char rt_alembic_helper[] = {\n${bytes}0x00 };\n")
