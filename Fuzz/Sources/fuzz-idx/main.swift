import FuzzDriver

// libFuzzer on FuzzEntry.idx (see ../../README.md).
runFuzzer(.idx)
