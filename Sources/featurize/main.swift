import LociCommandLine
runMain(Featurize.self)
