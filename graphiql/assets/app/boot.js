(function () {
  'use strict';

  var script = document.currentScript;
  if (script && script.nonce) {
    // GraphiQL's dialogs insert a <style> element and stamp it with this
    // nonce, which the page's Content-Security-Policy allows for styles.
    window.__webpack_nonce__ = script.nonce;
  }

  var config = JSON.parse(document.getElementById('graphiql-config').textContent);
  var url = new URL(config.endpoint, window.location.href);
  var subscriptionUrl = new URL(url.href);
  subscriptionUrl.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';

  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: GraphiQL.createFetcher({
        url: url.href,
        subscriptionUrl: subscriptionUrl.href
      }),
      defaultTabs: [{ query: config.defaultQuery }],
      storage: GraphiQL.createLocalStorage({ namespace: config.storageNamespace }),
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
      inputValueDeprecation: true
    })
  );
})();
