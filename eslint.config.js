// Lint rules: the recommended TypeScript set, no type-aware rules (fast), a few house rules.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import pluginVue from 'eslint-plugin-vue'
import globals from 'globals'

export default tseslint.config(
  { ignores: ['node_modules/', 'migrations/', '.tap/', 'data/', 'coverage/', 'src/web/public/vendor/', 'dist/', 'src/web/shared/api-types.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    // The pages: Vue single-file components with TypeScript, run in the browser.
    files: ['src/web/**/*.{ts,vue,js}'],
    languageOptions: { globals: { ...globals.browser }, parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
    rules: { 'no-undef': 'off', 'vue/max-attributes-per-line': 'off', 'vue/singleline-html-element-content-newline': 'off', 'vue/html-self-closing': 'off' }
  },
  {
    rules: {
      'no-console': ['error', { allow: ['warn', 'error'] }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error'
    }
  },
  {
    files: ['scripts/**', 'test/**', 'src/server.ts'],
    rules: { 'no-console': 'off' }
  },
  {
    // Build and smoke scripts in plain JavaScript, run by node itself with no tsx (build-server.mjs, smoke-build.mjs).
    files: ['scripts/**/*.mjs'],
    languageOptions: { globals: { ...globals.node } }
  },
  {
    files: ['.ci/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
    rules: { 'no-console': 'off' }
  },
  {
    // Worker threads in plain JavaScript (no TypeScript loader: they start in milliseconds).
    files: ['src/**/*.mjs'],
    languageOptions: { globals: { setInterval: 'readonly', clearInterval: 'readonly', performance: 'readonly' } }
  },
  {
    files: ['src/web/public/**/*.js'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', navigator: 'readonly', localStorage: 'readonly', fetch: 'readonly', console: 'readonly', setTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', clearTimeout: 'readonly', location: 'readonly', crypto: 'readonly', TextEncoder: 'readonly' } }
  }
)
