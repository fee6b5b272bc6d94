import FuzzDriver

// libFuzzer on FuzzEntry.csv (see ../../README.md).
runFuzzer(.csv)
