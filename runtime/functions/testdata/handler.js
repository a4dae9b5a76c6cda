// An async handler and a callback one, as Node functions are written.
exports.handler = async (event, context) => {
  switch (event.action) {
    case 'print':
      console.log('node says:', event.text);
      break;
    case 'error':
      throw new TypeError(event.text);
    case 'sleep':
      await new Promise((r) => setTimeout(r, event.sleepMs));
      break;
    case 'crash':
      process.exit(3);
    case 'big':
      return 'x'.repeat(event.size);
    case 'flood': {
      const chunk = 'y'.repeat(1023) + '\n';
      for (let i = 0; i < event.mb * 1024; i++) process.stdout.write(chunk);
      break;
    }
  }
  return { echo: event.text, requestId: context.awsRequestId, function: context.functionName, hasDeadline: context.getRemainingTimeInMillis() > 0 };
};

exports.callback = (event, context, callback) => {
  if (event.action === 'error') return callback(new Error(event.text));
  setTimeout(() => callback(null, { echo: event.text, requestId: context.awsRequestId }), 1);
};
