import FuzzDriver

// libFuzzer on FuzzEntry.spec (see ../../README.md).
runFuzzer(.spec)
