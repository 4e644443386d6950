import Configuration
import Foundation
import PortvaktServer
import Testing

@Suite("Configuration documentation")
struct ConfigurationDocumentationTests {
    @Test("docs/configuration.md documents every setting and its environment variable")
    func everySettingDocumented() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/configuration.md").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for setting in ServerSettings.all {
            #expect(text.contains("`\(setting.key)`"), "\(setting.key) is not documented")
            #expect(text.contains("`\(setting.environmentName)`"), "\(setting.environmentName) is not documented")
            if let value = setting.defaultValue {
                #expect(text.contains("| `\(setting.key)` | `\(setting.environmentName)` | `\(value)` |"))
            }
        }
    }
}
