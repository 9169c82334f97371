public let lociFeaturesVersion = 1
