import LociCommandLine
runMain(ServeCommand.self)
