using Lightshield.Agent.Hosting;

var builder = Host.CreateApplicationBuilder(args);
builder.AddLightshieldAgent();
await builder.Build().RunAsync();
