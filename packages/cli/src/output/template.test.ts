import { describe, expect, it } from "vitest";
import { CompiledTemplate, columnName } from "./template.js";

const row = {
  ID: "abc123def456",
  Name: "web",
  Replicas: "2/3",
  Labels: { tier: "front", app: "shop" },
  Ports: ["80/tcp", "443/tcp"],
  Count: 3,
  Spec: { Name: "web", Mode: { Replicated: { Replicas: 3 } } },
};

describe("Go-template subset", () => {
  it.each([
    ["{{.Name}} {{.Replicas}}", "web 2/3"],
    ["{{.Spec.Name}}/{{.Spec.Mode.Replicated.Replicas}}", "web/3"],
    ["{{json .Labels}}", '{"tier":"front","app":"shop"}'],
    ["{{.Name | json}}", '"web"'],
    ['{{join .Ports ","}}', "80/tcp,443/tcp"],
    ["{{upper .Name}}", "WEB"],
    ["{{.Name | upper}}", "WEB"],
    ['{{lower "ABC"}}', "abc"],
    ["{{truncate .ID 6}}", "abc123"],
    ['{{printf "%s=%d" .Name .Count}}', "web=3"],
    ['{{printf "%-5s|" .Name}}', "web  |"],
    ["{{.Ports}}", "[80/tcp 443/tcp]"],
    ["{{.Labels}}", "map[app:shop tier:front]"],
    ["{{title .Name}}", "Web"],
    ["{{len .Ports}}", "2"],
    ["{{.Name}}\\t{{.ID}}", "web\tabc123def456"],
    ["a {{- .Name -}} b", "awebb"],
    [
      "{{.}}",
      "map[Count:3 ID:abc123def456 Labels:map[app:shop tier:front] Name:web Ports:[80/tcp 443/tcp] Replicas:2/3 Spec:map[Mode:map[Replicated:map[Replicas:3]] Name:web]]",
    ],
  ])("renders %s", (template, want) => {
    expect(new CompiledTemplate(template).render(row)).toBe(want);
  });

  it.each([
    ["{{.Nope}}", /field \.Nope does not exist; fields here: ID, Name/],
    ["{{nope .Name}}", /function "nope" not defined/],
    ["{{range .Ports}}{{end}}", /\{\{range\}\} is not supported/],
    ["{{.Name", /unclosed action/],
    ["{{truncate .Name}}", /truncate wants 2 argument/],
    ["{{}}", /empty action/],
  ])("refuses %s with a usage error", (template, message) => {
    expect(() => new CompiledTemplate(template).render(row)).toThrow(message);
  });

  it("reads a table directive and heads each column with its field's name", () => {
    const template = new CompiledTemplate("table {{.Name}}\\t{{.CreatedAt}}\\t{{upper .ID}}");
    expect(template.isTable).toBe(true);
    expect(template.header()).toBe("NAME\tCREATED AT\tID");
  });

  it("names columns as the docker CLI does", () => {
    expect(columnName("ID")).toBe("ID");
    expect(columnName("CreatedAt")).toBe("CREATED AT");
    expect(columnName("DesiredState")).toBe("DESIRED STATE");
  });
});
