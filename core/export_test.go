package core

// FreePort is freePort for the package's external tests.
var FreePort = freePort
