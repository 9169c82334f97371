import LociCommandLine
runMain(LociBench.self)
