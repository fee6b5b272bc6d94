import FuzzDriver

// libFuzzer on FuzzEntry.pixels (see ../../README.md).
runFuzzer(.pixels)
