import PortvaktCLI

#if canImport(Glibc)
    import Glibc
#endif

// A client that goes away mid-response must not kill the server.
signal(SIGPIPE, SIG_IGN)
exit(PortvaktCLI.run(CommandLine.arguments))
