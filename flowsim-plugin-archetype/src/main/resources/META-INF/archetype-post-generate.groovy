// Keeps the extension of the chosen kind (-Dkind=backend|resolver|exporter) and removes the other two
// kinds' sources, tests and service files from the generated project. Batch mode does not apply the
// descriptor's validation patterns, so the values are checked here: a bad value removes the project
// and stops with one line.
def kinds = [
    backend : ['main/java/PKG/BandwidthBackend.java', 'test/java/PKG/BandwidthBackendTest.java',
               'main/resources/META-INF/services/io.flowsim.api.SimulatorBackend'],
    resolver: ['main/java/PKG/PrefixKernelResolver.java', 'test/java/PKG/PrefixKernelResolverTest.java',
               'main/resources/META-INF/services/io.flowsim.api.KernelResolver'],
    exporter: ['main/java/PKG/FamilyTotalsExporter.java', 'test/java/PKG/FamilyTotalsExporterTest.java',
               'main/resources/META-INF/services/io.flowsim.api.Exporter'],
]
def project = new File(request.outputDirectory, request.artifactId)
def kind = request.properties.get('kind')
def pluginId = request.properties.get('pluginId')
def problem = null
if (!kinds.containsKey(kind)) {
    problem = "-Dkind=" + kind + " is not a FlowSim extension kind: use backend, resolver or exporter"
} else if (!(pluginId ==~ /[a-z0-9]+(-[a-z0-9]+)*/)) {
    problem = "plugin id '" + pluginId + "' (default: the artifactId) is not lower-case kebab-case: add -DpluginId=my-plugin"
}
if (problem != null) {
    project.deleteDir()
    throw new IllegalArgumentException(problem)
}
def packagePath = request.packageName.replace('.', '/')
kinds.findAll { it.key != kind }.each { other ->
    other.value.each { path ->
        def file = new File(project, 'src/' + path.replace('PKG', packagePath))
        if (file.exists() && !file.delete()) {
            throw new IllegalStateException("cannot delete " + file)
        }
    }
}
