// Package deploy holds no code: its tests check the deployment files at the repository
// root (docker-compose.yml, Dockerfile), which cannot be run on machines without a
// Docker engine but must still parse and describe the stack the README promises.
package deploy
