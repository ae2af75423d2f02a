using Lightshield.Agent.Hosting;
using Lightshield.Agent.Jobs;

if (LocalTaskCommands.Handles(args))
{
    return await LocalTaskCommands.RunAsync(args);
}
var builder = Host.CreateApplicationBuilder(args);
builder.AddLightshieldAgent();
await builder.Build().RunAsync();
return 0;
