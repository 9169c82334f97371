import LociCommandLine
runMain(LociCommand.self)
